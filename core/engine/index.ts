// core/engine: accounts, outbox, reconnect, contacts, conversations, presence/DND, notifications.
export { Engine, type EngineOptions } from './engine';
export { ArchiveHolder, archiveDir } from './archive';
