/** The one window: sidebar (status, accounts, conversations, contacts) and the chat. */
import { useEffect } from 'react';
import { useUi } from '../stores/ui';
import { useConversations } from '../stores/conversations';
import { StatusMenu } from './status/StatusMenu';
import { DigestBanner } from './status/DigestBanner';
import { SettingsDialog } from './status/SettingsDialog';
import { AccountStrip } from './accounts/AccountStrip';
import { AccountsDialog } from './accounts/AccountsDialog';
import { ConversationList } from './conversations/ConversationList';
import { ContactList } from './contacts/ContactList';
import { SubscriptionRequests } from './contacts/SubscriptionRequests';
import { AddContactDialog } from './contacts/AddContactDialog';
import { PersonDialog } from './contacts/PersonDialog';
import { ChatView } from './chat/ChatView';
import { JoinRoomDialog } from './rooms/JoinRoomDialog';
import { MeetingDialog } from './rooms/MeetingDialog';
import { SearchDialog } from './search/SearchDialog';
import { QuickSwitcher } from './switcher/QuickSwitcher';
import { Toasts } from './common/Toasts';
import { ArchiveToolsDialog } from './tools/ArchiveToolsDialog';
import { ErrorBoundary } from './common/ErrorBoundary';

export function MainWindow() {
  const dialog = useUi((s) => s.dialog);
  const open = useUi((s) => s.open);
  const close = useUi((s) => s.close);
  const activeId = useConversations((s) => s.activeId);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.shiftKey && (e.key === 'F' || e.key === 'f')) {
        e.preventDefault();
        open('search');
      } else if (mod && !e.shiftKey && (e.key === 'k' || e.key === 'K')) {
        e.preventDefault();
        open('switcher');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Contacts and conversations">
        <div className="topbar">
          <StatusMenu />
          <div className="tools">
            <button type="button" className="icon" aria-label="Search history (Ctrl+Shift+F)" title="Search (Ctrl+Shift+F)" onClick={() => open('search')}>
              ⌕
            </button>
            <button type="button" className="icon" aria-label="Join a room" title="Join a room" onClick={() => open('join')}>
              #
            </button>
            <button type="button" className="icon" aria-label="Start meeting" title="Start meeting" onClick={() => open('meeting')}>
              ✚
            </button>
            <button type="button" className="icon" aria-label="Accounts" title="Accounts" onClick={() => open('accounts')}>
              ⚇
            </button>
            <button type="button" className="icon" aria-label="Archive tools" title="Archive tools: import, export, retention, watches" onClick={() => open('archive')}>
              ▤
            </button>
            <button type="button" className="icon" aria-label="Settings" title="Settings" onClick={() => open('settings')}>
              ⚙
            </button>
          </div>
        </div>
        <AccountStrip />
        <SubscriptionRequests />
        <ConversationList />
        <ContactList />
      </nav>
      <main className="main" aria-label="Chat">
        <DigestBanner />
        <ErrorBoundary key={activeId ?? 'none'}>{activeId ? <ChatView key={activeId} conversationId={activeId} /> : <EmptyChat />}</ErrorBoundary>
      </main>
      <ErrorBoundary key={dialog ?? 'none'} onReset={close}>
      {dialog === 'accounts' && <AccountsDialog onClose={close} />}
      {dialog === 'search' && <SearchDialog onClose={close} />}
      {dialog === 'switcher' && <QuickSwitcher onClose={close} />}
      {dialog === 'join' && <JoinRoomDialog onClose={close} />}
      {dialog === 'meeting' && <MeetingDialog onClose={close} />}
      {dialog === 'addContact' && <AddContactDialog onClose={close} />}
      {dialog === 'settings' && <SettingsDialog onClose={close} />}
      {dialog === 'person' && <PersonDialog onClose={close} />}
      {dialog === 'archive' && <ArchiveToolsDialog onClose={close} />}
      </ErrorBoundary>
      <Toasts />
    </div>
  );
}

function EmptyChat() {
  return (
    <div className="empty">
      <p>Pick a conversation or a contact.</p>
      <p>
        <kbd>Ctrl</kbd>+<kbd>K</kbd> quick switcher · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>F</kbd> search
      </p>
    </div>
  );
}
