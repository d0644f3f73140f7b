import { aptInstallHint } from './apt-get.js';

describe('aptInstallHint', () => {
  it('is a command to paste', () => {
    expect(aptInstallHint(['chromium', 'fonts-liberation'])).toBe(
      'sudo apt-get install -y --no-install-recommends chromium fonts-liberation',
    );
  });

  it('names the first of each choice and the fallbacks after it', () => {
    expect(aptInstallHint([['docker-compose-v2', 'docker-compose']])).toBe(
      'sudo apt-get install -y --no-install-recommends docker-compose-v2; where a package is not offered, take the next of: docker-compose-v2, else docker-compose',
    );
  });
});
