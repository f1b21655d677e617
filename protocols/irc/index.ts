/** The IRC protocol descriptor: the account form, validation before any network, and the adapter factory. */
import { AdapterError, type ProtocolDescriptor } from '../../core/protocol/types';
import { IrcAdapter } from './adapter';
import { configFields, parseConfig, validateConfig } from './config';
import { validateAddress } from './names';

export const ircProtocol: ProtocolDescriptor = {
  id: 'irc',
  displayName: 'IRC',
  configFields,
  validateConfig,
  validateAddress: (id, kind) => validateAddress(id, kind),
  create(config, deps) {
    const errors = validateConfig(config);
    const first = Object.entries(errors)[0];
    if (first) throw new AdapterError({ kind: 'config', fatal: true, message: `${first[0]}: ${first[1]}` });
    return new IrcAdapter(parseConfig(config), deps);
  },
};
