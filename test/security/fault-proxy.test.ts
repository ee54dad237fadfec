/**
 * The fault proxy's own parts, without the lab: its BER framing must find the message boundaries
 * ldapts writes (or every fault test would inject faults at the wrong place), and the answers it
 * forges must be LDAP that ldapts parses as the intended result.
 */
import {
  Attribute,
  BindRequest,
  Change,
  MessageParser,
  ModifyRequest,
  ModifyResponse,
  SearchRequest,
  PresenceFilter,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import {
  BerFramer,
  LdapOp,
  TlsRecordCounter,
  ldapResult,
  parseMessage,
  responseOpFor,
} from '../support/fault-proxy.js';

function modifyRequest(messageId: number, dn: string, values = 1): Buffer {
  const changes = [
    new Change({
      operation: 'replace',
      modification: new Attribute({
        type: 'description',
        values: Array.from({ length: values }, (_, i) => `v${i}`.repeat(50)),
      }),
    }),
  ];
  return new ModifyRequest({ messageId, dn, changes }).write();
}

describe('fault proxy: LDAP framing', () => {
  it('finds each message in a stream cut at every possible byte', () => {
    const messages = [
      new BindRequest({ messageId: 1, dn: 'Administrator@lab.imctl.test', password: 'x' }).write(),
      modifyRequest(2, 'CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test'),
      modifyRequest(300, 'CN=Ångström\\, Zoë,OU=Staff,DC=lab,DC=imctl,DC=test', 40), // long-form length
      new SearchRequest({
        messageId: 70000,
        baseDN: '',
        scope: 'base',
        filter: new PresenceFilter({ attribute: 'objectClass' }),
        attributes: [],
      }).write(),
    ];
    const stream = Buffer.concat(messages);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const framer = new BerFramer();
      const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(out.map((b) => b.toString('hex'))).toEqual(messages.map((b) => b.toString('hex')));
    }
  });

  it('reads messageID, op and DN of a ModifyRequest and a BindRequest', () => {
    const modify = parseMessage(modifyRequest(4242, 'CN=Ångström\\, Zoë,OU=Staff,DC=lab,DC=imctl,DC=test', 40));
    expect(modify).toMatchObject({
      messageId: 4242,
      op: LdapOp.ModifyRequest,
      dn: 'CN=Ångström\\, Zoë,OU=Staff,DC=lab,DC=imctl,DC=test',
    });
    const bind = parseMessage(new BindRequest({ messageId: 1, dn: 'LAB\\Administrator', password: 'secret' }).write());
    expect(bind).toMatchObject({ messageId: 1, op: LdapOp.BindRequest, dn: 'LAB\\Administrator' });
  });

  it.each([51, 52, 49])('forges a ModifyResponse with result %i that ldapts parses as that result', async (code) => {
    const parser = new MessageParser();
    const message = new Promise<ModifyResponse>((resolve, reject) => {
      parser.on('message', resolve);
      parser.on('error', reject);
    });
    const bytes = ldapResult(129, responseOpFor(LdapOp.ModifyRequest), code, 'forged by the fault proxy');
    parser.read(
      bytes,
      new Map([['129', { message: new ModifyRequest({ messageId: 129, dn: 'CN=x', changes: [] }) } as never]]),
    );
    const parsed = await message;
    expect(parsed).toBeInstanceOf(ModifyResponse);
    expect(parsed.messageId).toBe(129);
    expect(parsed.status).toBe(code);
    expect(parsed.errorMessage).toBe('forged by the fault proxy');
    expect(parseMessage(bytes)).toMatchObject({ messageId: 129, op: LdapOp.ModifyResponse, resultCode: code });
  });

  it('counts TLS application-data records however the bytes arrive', () => {
    const record = (type: number, length: number) =>
      Buffer.concat([Buffer.from([type, 3, 3, length >> 8, length & 0xff]), Buffer.alloc(length, 0xab)]);
    const stream = Buffer.concat([
      record(22, 300),
      record(20, 1),
      record(23, 40),
      record(23, 1000),
      record(21, 2),
      record(23, 17000 & 0x3fff),
    ]);
    for (const step of [1, 5, 64, stream.length]) {
      const counter = new TlsRecordCounter();
      const lengths: number[] = [];
      for (let at = 0; at < stream.length; at += step) lengths.push(...counter.push(stream.subarray(at, at + step)));
      expect(lengths).toEqual([40, 1000, 17000 & 0x3fff]);
    }
  });
});
