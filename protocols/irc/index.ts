import type { ProtocolDescriptor } from '../../core/protocol/types';

// Placeholder until the IRC adapter lands (issue "IRC adapter"); its owner replaces this file.
export const ircProtocol: ProtocolDescriptor = {
  id: 'irc',
  displayName: 'IRC',
  configFields: [],
  validateConfig: () => ({}),
  validateAddress: () => ({ ok: false, error: 'the IRC adapter is not built yet' }),
  create: () => {
    throw new Error('the IRC adapter is not built yet');
  },
};
