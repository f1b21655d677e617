/**
 * XEP-0050 ad-hoc commands with XEP-0004 forms (pure builders/parsers). Gateways such as biboumi
 * are configured this way (IRC server address, ports, TLS) instead of XEP-0077 registration.
 */
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export const NS_COMMANDS = 'http://jabber.org/protocol/commands';

export interface FormField { var: string; type?: string; label?: string; values: string[]; options: string[] }
export interface CommandStep { sessionid?: string; status: string; fields: FormField[]; note?: string }

export const executeCommand = (to: string, node: string) => xml('iq', { type: 'set', to }, xml('command', { xmlns: NS_COMMANDS, node, action: 'execute' }));

export function parseFormFields(x: XmlElement | undefined): FormField[] {
  return (x?.getChildren('field') ?? []).filter((f) => f.attrs.var).map((f) => ({
    var: f.attrs.var!,
    ...(f.attrs.type ? { type: f.attrs.type } : {}),
    ...(f.attrs.label ? { label: f.attrs.label } : {}),
    values: f.getChildren('value').map((v) => v.text()),
    options: f.getChildren('option').map((o) => o.getChildText('value') ?? '').filter(Boolean),
  }));
}

export function parseCommand(cmd: XmlElement | undefined): CommandStep {
  const note = cmd?.getChildText('note') ?? undefined;
  return {
    ...(cmd?.attrs.sessionid ? { sessionid: cmd.attrs.sessionid } : {}),
    status: cmd?.attrs.status ?? 'completed',
    fields: parseFormFields(cmd?.getChild('x', NS.data)),
    ...(note ? { note } : {}),
  };
}

/** submits the form: given values replace the defaults; other fields keep the values the service sent */
export function submitCommand(to: string, node: string, step: CommandStep, values: Record<string, string | string[]>): XmlElement {
  const fields = step.fields.filter((f) => f.type !== 'fixed').map((f) => {
    const v = values[f.var];
    const vals = v === undefined ? f.values : Array.isArray(v) ? v : [v];
    return xml('field', { var: f.var }, ...vals.map((s) => xml('value', {}, s)));
  });
  return xml('iq', { type: 'set', to }, xml('command', { xmlns: NS_COMMANDS, node, sessionid: step.sessionid, action: 'complete' },
    xml('x', { xmlns: NS.data, type: 'submit' }, ...fields)));
}
