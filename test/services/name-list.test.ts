import { describe, expect, it } from 'vitest';
import { splitNames } from '../../src/services/name-list.js';

describe('splitNames (a pasted or typed list of users)', () => {
  it.each([
    ['jdoe', ['jdoe']],
    ['jdoe pobrien', ['jdoe', 'pobrien']],
    ['jdoe, pobrien;zangstrom', ['jdoe', 'pobrien', 'zangstrom']],
    ['jdoe\r\npobrien\n\n  zangstrom  \n', ['jdoe', 'pobrien', 'zangstrom']],
    ['# a comment\njdoe\n#pobrien', ['jdoe']],
    ['\uFEFFjdoe', ['jdoe']],
    ['jdoe JDOE jdoe@lab.imctl.test', ['jdoe', 'jdoe@lab.imctl.test']],
    ['"jdoe", \'pobrien\'', ['jdoe', 'pobrien']],
    ['LAB\\jdoe', ['LAB\\jdoe']],
  ])('%j → %j', (text, names) => {
    expect(splitNames(text)).toEqual(names);
  });

  it('keeps a DN whole even though it holds commas and spaces', () => {
    expect(splitNames('CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test\npobrien')).toEqual([
      'CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test',
      'pobrien',
    ]);
  });

  // Issue 21 bug 3: the wizard's "Type their names" is one line, where a DN stands among other names.
  const DOE = 'CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test';
  const OBRIEN = "CN=O'Brien\\, Pat,OU=IM Pilot,DC=lab,DC=imctl,DC=test";
  it.each([
    [`jdoe ${DOE}`, ['jdoe', DOE]],
    [`${DOE}, pobrien`, [DOE, 'pobrien']],
    [`${DOE}; ${OBRIEN}`, [DOE, OBRIEN]],
    [`"${DOE}" "${OBRIEN}"`, [DOE, OBRIEN]],
    [`'${DOE}'`, [DOE]],
    [
      'CN=\\"Quoted\\" <Name>\\; Semi\\=Colon,OU=Staff,DC=lab, zangstrom',
      ['CN=\\"Quoted\\" <Name>\\; Semi\\=Colon,OU=Staff,DC=lab', 'zangstrom'],
    ],
  ])('one typed line: %s', (text, names) => {
    expect(splitNames(text)).toEqual(names);
  });

  it('an empty or comment-only list is empty', () => {
    expect(splitNames('  \n# nothing\n')).toEqual([]);
  });
});
