/**
 * Normalized records produced by the log importers. Importers are pure: text (+ the file's path,
 * which carries conversation/network names in every client's default layout) in, records out.
 */
export type LogFormat = 'pidgin-txt' | 'pidgin-html' | 'irssi' | 'weechat' | 'hexchat';
export type ImportedKind = 'chat' | 'action' | 'notice' | 'system';

export interface ImportedMessage {
  format: LogFormat;
  /** the file and 1-based line the message starts on */
  path: string;
  line: number;
  /** 'xmpp', 'irc', 'aim', … (Pidgin's prpl name, lower-cased; Jabber → xmpp) */
  protocol: string;
  /** own account (Pidgin) or network tag (irssi/WeeChat/HexChat); '' when the log does not say */
  account: string;
  conversation: { kind: 'direct' | 'room'; address: string };
  /** sender as written in the log ('' for system lines) */
  sender: string;
  body: string;
  kind: ImportedKind;
  /** 'out' only when the log says so (Pidgin HTML colours); otherwise 'in' */
  direction: 'in' | 'out';
  /** ms epoch */
  time: number;
  /** stable id: the same line imported again gets the same id (used for dedup) */
  sourceId: string;
}

export interface ParseIssue {
  path: string;
  /** 1-based; 0 = the whole file */
  line: number;
  message: string;
}

export interface ParseResult {
  format: LogFormat | null;
  messages: ImportedMessage[];
  issues: ParseIssue[];
  /** lines read (for progress and the import summary) */
  lines: number;
}

/** What a format's parser gets: the file's text and path. */
export type Parser = (text: string, path: string, opts?: ParseOptions) => ParseResult;

export interface ParseOptions {
  /**
   * Offset of the logging machine's local time zone in minutes east of UTC, for formats that write
   * local times without a zone (irssi, WeeChat, HexChat, Pidgin without a zone in the file name).
   * Default: this process's zone (TZ) at that date.
   */
  utcOffsetMinutes?: number;
}
