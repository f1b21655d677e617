// The built-in protocols. A new protocol is one folder under protocols/ plus one line here.
import { ProtocolRegistry } from '../core/protocol/registry';
import { ircProtocol } from './irc/index';
import { xmppProtocol } from './xmpp/index';

export const builtinProtocols = new ProtocolRegistry([xmppProtocol, ircProtocol]);
