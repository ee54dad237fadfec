import { describe, expect, it } from 'vitest';
import { validateUrl } from '../../src/config/ldap-urls.js';
import { usageError } from '../support/usage-error.js';

describe('URL lists', () => {
  it.each(['ldaps://dc1.corp.example.com', 'ldap://dc1:389', 'ldaps://10.0.0.5:3269'])(
    'validateUrl accepts %s',
    (url) => {
      expect(() => validateUrl(url)).not.toThrow();
    },
  );

  it.each(['http://dc1', '', 'ldaps//dc1', 'mailto:x@y'])('validateUrl rejects %j', (url) => {
    expect(usageError(() => validateUrl(url)).reason).toBe('url');
  });
});
