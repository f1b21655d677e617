/**
 * Server services: discovery (XEP-0030, cached components), file upload (XEP-0363), gateways and
 * in-band registration (XEP-0077), ad-hoc commands (XEP-0050), the group chat service for meetings.
 */
import { AdapterError, type ConversationRef, type FilesGroup } from '../../core/protocol/types';
import { executeCommand, NS_COMMANDS, parseCommand, submitCommand, type CommandStep } from './adhoc';
import { discoInfoQuery, discoItemsQuery, formValue, parseDiscoInfo, parseDiscoItems, parseRegisterFields, registerGet, registerSet, type DiscoInfo, type DiscoItem } from './disco';
import { classifyError, netError } from './errors';
import { NS } from './ns';
import type { XmppState } from './state';
import { parseSlot, putFile, slotRequest } from './upload';

export class XmppServices {
  constructor(private readonly s: XmppState) {}

  readonly files: FilesGroup = {
    upload: async (_conv: ConversationRef, file: { name: string; type: string; data: Uint8Array }): Promise<{ url: string }> => {
      const c = this.s.requireOnline();
      const svc = (await this.discoverComponents()).find((x) => x.info.features.has(NS.upload));
      if (!svc) throw new AdapterError({ kind: 'protocol', fatal: true, message: 'the server offers no file upload', code: 'no-upload' });
      const max = Number(formValue(svc.info.forms, NS.upload, 'max-file-size') ?? NaN);
      if (Number.isFinite(max) && file.data.byteLength > max) throw new AdapterError({ kind: 'protocol', fatal: true, message: `file too large (limit ${max} bytes)`, code: 'too-large' });
      const res = await c.iq.request(slotRequest(svc.item.jid, { name: file.name, size: file.data.byteLength, type: file.type }), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      const slot = parseSlot(res.getChild('slot', NS.upload));
      if (!slot) throw new AdapterError({ kind: 'protocol', fatal: false, message: 'the upload service sent an unusable slot', code: 'bad-slot' });
      await putFile(slot, file.data, file.type).catch((e: unknown) => { throw netError(`upload failed: ${(e as Error).message}`, 'upload', e); });
      return { url: slot.get };
    },
  };

  async discoInfo(jid: string, node?: string): Promise<DiscoInfo> {
    const res = await this.s.requireOnline().iq.request(discoInfoQuery(jid, node), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseDiscoInfo(res.getChild('query', NS.discoInfo));
  }

  async discoItems(jid: string, node?: string): Promise<DiscoItem[]> {
    const res = await this.s.requireOnline().iq.request(discoItemsQuery(jid, node), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseDiscoItems(res.getChild('query', NS.discoItems));
  }

  /** the server's components with their disco#info (cached per adapter) */
  async discoverComponents(refresh = false): Promise<{ item: DiscoItem; info: DiscoInfo }[]> {
    if (this.s.components && !refresh) return this.s.components;
    const domain = this.s.ownBare.split('@')[1]!;
    this.s.serverInfo = await this.discoInfo(domain).catch(() => null);
    const items = await this.discoItems(domain);
    const out: { item: DiscoItem; info: DiscoInfo }[] = [];
    for (const item of items) {
      const info = await this.discoInfo(item.jid).catch(() => null);
      if (info) out.push({ item, info });
    }
    this.s.components = out;
    return out;
  }

  /**
   * gateways offered by the server: disco category "gateway", and group-chat services that bridge
   * another network (category "conference" with a type other than "text", e.g. biboumi's "irc")
   */
  async gateways(): Promise<{ jid: string; name?: string; type: string; registration: boolean }[]> {
    const isGateway = (i: { category: string; type: string }) => i.category === 'gateway' || (i.category === 'conference' && i.type !== 'text');
    return (await this.discoverComponents()).flatMap(({ item, info }) => info.identities.filter(isGateway).map((i) => ({
      jid: item.jid, type: i.type, ...(i.name ?? item.name ? { name: i.name ?? item.name } : {}), registration: info.features.has(NS.register),
    })));
  }

  /** XEP-0077: what a service asks for to register */
  async registrationFields(service: string): Promise<{ registered: boolean; instructions?: string; fields: string[] }> {
    const res = await this.s.requireOnline().iq.request(registerGet(this.s.requireBare(service)), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    const r = parseRegisterFields(res.getChild('query', NS.register));
    return { registered: r.registered, fields: r.fields, ...(r.instructions ? { instructions: r.instructions } : {}) };
  }

  async register(service: string, values: Record<string, string>): Promise<void> {
    const c = this.s.requireOnline();
    const to = this.s.requireBare(service);
    const res = await c.iq.request(registerGet(to), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    const r = parseRegisterFields(res.getChild('query', NS.register));
    await c.iq.request(registerSet(to, values, r.form), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  /** XEP-0050: run an ad-hoc command; returns the first step (usually a form) */
  async executeCommand(to: string, node: string): Promise<CommandStep> {
    const res = await this.s.requireOnline().iq.request(executeCommand(to, node), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseCommand(res.getChild('command', NS_COMMANDS));
  }

  /** XEP-0050: complete a command step with these form values */
  async submitCommand(to: string, node: string, step: CommandStep, values: Record<string, string | string[]>): Promise<CommandStep> {
    const res = await this.s.requireOnline().iq.request(submitCommand(to, node, step, values), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseCommand(res.getChild('command', NS_COMMANDS));
  }

  async findMucService(): Promise<string | undefined> {
    const comps = await this.discoverComponents();
    return comps.find((x) => x.info.identities.some((i) => i.category === 'conference' && i.type === 'text') && x.info.features.has(NS.muc) && !x.info.identities.some((i) => i.category === 'gateway'))?.item.jid;
  }

  /** whether the server advertises a feature (disco#info of the domain) */
  async serverFeatures(): Promise<Set<string>> {
    if (!this.s.serverInfo) await this.discoverComponents(true).catch(() => {});
    return this.s.serverInfo?.features ?? new Set();
  }

}
