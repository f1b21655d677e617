/** The account's own server for this conversation: its domain plus the upload hosts of the user's own shared files. */
import { useMemo } from 'react';
import type { AccountDTO } from '../../../contract';
import { domainOf, hostOf, type OwnServer } from '../../lib/ownServer';
import { useMessages } from '../../stores/messages';
import { useUploads } from '../../stores/uploads';

const NONE: string[] = [];

export function useOwnServer(conversationId: string, account: AccountDTO | undefined): OwnServer {
  const learned = useUploads((s) => (account ? s.ownHosts[account.id] : undefined) ?? NONE);
  const messages = useMessages((s) => s.windows[conversationId]?.messages);
  return useMemo(() => {
    const hosts = new Set(learned);
    // a file the user shared earlier (this window of the history) went to their own upload service
    for (const m of messages ?? []) {
      if (m.direction !== 'out' || !m.oobUrl) continue;
      const h = hostOf(m.oobUrl);
      if (h) hosts.add(h);
    }
    return { domain: domainOf(account?.self), hosts: [...hosts] };
  }, [learned, messages, account?.self]);
}
