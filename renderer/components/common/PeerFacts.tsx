/**
 * What a network says about someone beyond their nick: the services account they are logged in
 * to (vouched for by the server, unlike a nick), their self-chosen real name and user@host.
 * Plain text only; every value comes from the network.
 */
export function PeerFacts({ account, realName, userHost, nick }: { account?: string | undefined; realName?: string | undefined; userHost?: string | undefined; nick?: string }) {
  const parts: string[] = [];
  if (realName) parts.push(realName);
  if (account) {
    if (account.toLowerCase() !== nick?.toLowerCase()) parts.push(`account ${account}`);
    else parts.push('logged in');
  }
  if (userHost) parts.push(userHost);
  if (!parts.length) return null;
  return <span className="muted small-text peer-facts"> {parts.join(' · ')}</span>;
}
