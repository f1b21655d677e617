import type { ProtocolDescriptor } from '../../core/protocol/types';

// Placeholder until the XMPP adapter lands (issue "XMPP adapter"); its owner replaces this file.
export const xmppProtocol: ProtocolDescriptor = {
  id: 'xmpp',
  displayName: 'XMPP',
  configFields: [],
  validateConfig: () => ({}),
  validateAddress: () => ({ ok: false, error: 'the XMPP adapter is not built yet' }),
  create: () => {
    throw new Error('the XMPP adapter is not built yet');
  },
};
