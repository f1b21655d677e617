/**
 * Multi-line composer: Enter sends, Shift+Enter breaks the line; /me /join /invite /topic /away /back;
 * typing notifications; pasted or dropped files go to upload where the account supports it.
 */
import { useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import type { AccountDTO, ConversationDTO } from '../../../contract';
import { errorText, rpc } from '../../bridge/api';
import { parseComposer } from '../../lib/commands';
import { useConversations } from '../../stores/conversations';
import { useMessages } from '../../stores/messages';
import { useStatus } from '../../stores/status';
import { useUi } from '../../stores/ui';
import { useUploads } from '../../stores/uploads';

const TYPING_REFRESH_MS = 10_000;

/** why this account cannot share a file now, or null */
export function cannotShareFiles(account: AccountDTO | undefined): string | null {
  if (!account) return 'This conversation has no account.';
  if (account.state !== 'online') return `${account.label} is ${account.state}: files can be shared once it is online.`;
  if (!account.caps?.files) return `${account.label} cannot share files: its server offers no file upload.`;
  return null;
}
const PAUSE_AFTER_MS = 5_000;

export function Composer({ conv, account }: { conv: ConversationDTO; account: AccountDTO | undefined }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lastTyping = useRef(0);
  const pauseTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const canType = account?.caps?.typing ?? false;

  const typing = (state: 'active' | 'composing' | 'paused') => {
    if (!canType) return;
    void rpc('typing.set', { conversationId: conv.id, state }).catch(() => {});
  };
  const onInput = (v: string) => {
    setText(v);
    setError(null);
    if (!canType) return;
    const now = Date.now();
    if (v && now - lastTyping.current > TYPING_REFRESH_MS) {
      lastTyping.current = now;
      typing('composing');
    }
    if (pauseTimer.current) clearTimeout(pauseTimer.current);
    pauseTimer.current = setTimeout(() => {
      lastTyping.current = 0;
      typing('paused');
    }, PAUSE_AFTER_MS);
  };

  const submit = async () => {
    const input = text;
    if (!input.trim()) return;
    const c = parseComposer(input);
    try {
      switch (c.cmd) {
        case 'error':
          setError(c.message);
          return;
        case 'say':
          await useMessages.getState().send(conv.id, c.text);
          break;
        case 'me':
          await useMessages.getState().send(conv.id, c.text, 'action');
          break;
        case 'join': {
          const fields = await rpc('accounts.joinFields', { id: conv.accountId });
          const first = fields.find((f) => f.required) ?? fields[0];
          if (!first) throw new Error('This account has no rooms');
          const room = await rpc('rooms.join', { accountId: conv.accountId, values: { [first.key]: c.room } });
          useConversations.getState().upsert(room);
          useConversations.getState().select(room.id);
          break;
        }
        case 'invite':
          if (conv.kind !== 'room') throw new Error('/invite works in a room');
          await rpc('rooms.invite', { conversationId: conv.id, address: c.who, ...(c.reason ? { reason: c.reason } : {}) });
          useUi.getState().toast(`Invited ${c.who}`);
          break;
        case 'topic':
          if (conv.kind !== 'room') throw new Error('/topic works in a room');
          await rpc('rooms.setTopic', { conversationId: conv.id, topic: c.topic });
          break;
        case 'away':
          await useStatus.getState().set('away', c.message);
          break;
        case 'back':
          await useStatus.getState().set('available');
          break;
      }
      setText('');
      if (pauseTimer.current) clearTimeout(pauseTimer.current);
      lastTyping.current = 0;
      if (c.cmd === 'say' || c.cmd === 'me') typing('active');
    } catch (e) {
      setError(errorText(e));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const fileInput = useRef<HTMLInputElement>(null);
  /** pasted, dropped or picked files: uploaded where the account can share files, else a clear reason */
  const files = (list: FileList | null) => {
    if (!list || list.length === 0) return false;
    const why = cannotShareFiles(account);
    if (why) setError(why);
    else {
      setError(null);
      for (const f of Array.from(list)) useUploads.getState().start(conv.id, f);
    }
    return true;
  };

  return (
    <div className="composer">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <textarea
        aria-label={`Message to ${conv.title}`}
        placeholder={`Message ${conv.title} — Enter sends, Shift+Enter new line`}
        value={text}
        rows={Math.min(8, Math.max(1, text.split('\n').length))}
        onChange={(e) => onInput(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={(e: ClipboardEvent) => {
          if (files(e.clipboardData.files)) e.preventDefault();
        }}
        onDragOver={(e: DragEvent) => e.preventDefault()}
        onDrop={(e: DragEvent) => {
          if (files(e.dataTransfer.files)) e.preventDefault();
        }}
      />
      <input ref={fileInput} type="file" multiple hidden onChange={(e) => { files(e.target.files); e.target.value = ''; }} />
      <button type="button" onClick={() => fileInput.current?.click()} title="Share a file (or paste / drop it here)">
        Attach file
      </button>
      <button type="button" className="primary" onClick={() => void submit()} aria-label="Send">
        Send
      </button>
    </div>
  );
}
