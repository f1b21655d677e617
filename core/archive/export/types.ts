/** One exported message: what a reader of the transcript needs, nothing secret. */
export interface ExportMessage {
  /** the archive's message id (sorts by time) */
  id: number;
  /** ms epoch */
  time: number;
  protocol: string;
  account: string;
  conversation: string;
  conversationKind: 'direct' | 'room';
  conversationTitle: string | null;
  sender: string;
  senderName: string | null;
  kind: 'chat' | 'action' | 'notice' | 'system';
  direction: 'in' | 'out';
  body: string;
  editedAt: number | null;
  retractedAt: number | null;
  /** where an imported message came from ("irssi:/path/file.log:12"), else null */
  source: string | null;
}

export type ExportFormat = 'html' | 'txt' | 'jsonl';

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: 'confab-export';
  version: 1;
  /** ISO time of the export */
  createdAt: string;
  /** human description of what was selected ("conversation #confab on libera, 2026-11-01 … 2026-11-30") */
  title: string;
  /** the selection as given (flags), for the record */
  selection: Record<string, unknown>;
  count: number;
  /** hash of the last chain link (GENESIS when empty): write it down to prove this export later */
  chainHead: string;
  /** which transcripts were written (messages.jsonl always) */
  formats: ExportFormat[];
  files: ManifestFile[];
}
