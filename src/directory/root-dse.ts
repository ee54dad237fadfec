/** The RootDSE: what a DC says of itself before anything else is read. */
import type { Client } from 'ldapts';
import { DirectoryError } from '../core/errors.js';
import { DirEntry } from './entry.js';

export interface RootDse {
  defaultNamingContext: string;
  configurationNamingContext: string;
  dnsHostName?: string | undefined;
  /** Ambiguous name resolution, `(anr=…)`: Active Directory (and Samba's AD DC) and AD LDS have it. */
  anr: boolean;
}

/** supportedCapabilities of AD DS and AD LDS, which answer `(anr=…)` as ADUC's Find does. */
const ANR_CAPABILITIES = ['1.2.840.113556.1.4.800', '1.2.840.113556.1.4.1851'];

export async function readRootDse(client: Client): Promise<RootDse> {
  const result = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['defaultNamingContext', 'configurationNamingContext', 'dnsHostName', 'supportedCapabilities'],
  });
  const entry = new DirEntry('', result.searchEntries[0] ?? { dn: '' });
  const defaultNamingContext = entry.get('defaultNamingContext');
  const configurationNamingContext = entry.get('configurationNamingContext');
  if (!defaultNamingContext || !configurationNamingContext) {
    throw new DirectoryError(
      'The server did not publish defaultNamingContext and configurationNamingContext in its RootDSE: is it an Active Directory domain controller?',
      'not-ad',
    );
  }
  const anr = entry.all('supportedCapabilities').some((oid) => ANR_CAPABILITIES.includes(oid));
  return { defaultNamingContext, configurationNamingContext, dnsHostName: entry.get('dnsHostName'), anr };
}
