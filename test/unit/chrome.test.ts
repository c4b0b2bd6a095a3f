/** Finding Chrome without configuration, and saying what to install when there is none. */
import { describe, expect, it } from 'vitest';
import { CHROME_CANDIDATES, findChrome } from '../../src/cli/chrome';
import { ChromeNotFoundError } from '../../src/errors';

describe('findChrome', () => {
  it('takes CHROME_PATH when it is set and exists', () => {
    expect(findChrome({ CHROME_PATH: '/opt/my/chrome' }, (p) => p === '/opt/my/chrome')).toBe('/opt/my/chrome');
  });

  it('refuses a CHROME_PATH that points nowhere, naming it', () => {
    expect(() => findChrome({ CHROME_PATH: '/nope/chrome' }, () => false)).toThrow(/CHROME_PATH is set to \/nope\/chrome, but no file is there/);
  });

  it('looks in the usual system paths, in order', () => {
    expect(findChrome({}, (p) => p === '/usr/bin/google-chrome' || p === '/snap/bin/chromium')).toBe('/usr/bin/google-chrome');
    expect(CHROME_CANDIDATES[0]).toBe('/usr/bin/chromium');
  });

  it('says what to install when nothing is found', () => {
    let error: unknown;
    try {
      findChrome({}, () => false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromeNotFoundError);
    expect((error as Error).message).toMatch(/apt-get install -y chromium/);
    expect((error as Error).message).toMatch(/CHROME_PATH/);
  });
});
