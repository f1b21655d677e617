/** The composer's slash commands: /me /join /invite /topic /away (and /dnd /back). */
export type SlashCommand =
  | { cmd: 'say'; text: string }
  | { cmd: 'me'; text: string }
  | { cmd: 'join'; room: string }
  | { cmd: 'invite'; who: string; reason?: string }
  | { cmd: 'topic'; topic: string }
  | { cmd: 'away'; message?: string }
  | { cmd: 'back' }
  | { cmd: 'error'; message: string };

export function parseComposer(input: string): SlashCommand {
  if (!input.startsWith('/') || input.startsWith('//')) return { cmd: 'say', text: input.startsWith('//') ? input.slice(1) : input };
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(input);
  const name = m?.[1]?.toLowerCase() ?? '';
  const rest = (m?.[2] ?? '').trim();
  switch (name) {
    case 'me':
      return rest ? { cmd: 'me', text: rest } : { cmd: 'error', message: '/me needs some text' };
    case 'join':
      return rest ? { cmd: 'join', room: rest.split(/\s+/)[0]! } : { cmd: 'error', message: '/join needs a room address' };
    case 'invite': {
      const [who, ...reason] = rest.split(/\s+/);
      return who ? { cmd: 'invite', who, ...(reason.length ? { reason: reason.join(' ') } : {}) } : { cmd: 'error', message: '/invite needs an address' };
    }
    case 'topic':
      return { cmd: 'topic', topic: rest };
    case 'away':
      return rest ? { cmd: 'away', message: rest } : { cmd: 'away' };
    case 'back':
      return { cmd: 'back' };
    default:
      return { cmd: 'error', message: `Unknown command /${name}. Known: /me /join /invite /topic /away /back (start with // to send a slash)` };
  }
}
