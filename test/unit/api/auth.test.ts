import { describe, expect, it } from 'vitest';
import { cookieValue, isAuthorized, tokenCookie } from '../../../functions/api/auth';

const TOKEN = 's3cret-token';

describe('isAuthorized', () => {
  it.each([
    [{ authorization: `Bearer ${TOKEN}` }, true],
    [{ authorization: `bearer ${TOKEN}` }, true],
    [{ cookies: `a=1; cm_token=${TOKEN}` }, true],
    [{ cookies: ['a=1', `cm_token=${TOKEN}`] }, true],
    [{ queryToken: TOKEN }, true],
    [{}, false],
    [{ authorization: TOKEN }, false],
    [{ authorization: `Bearer ${TOKEN}x` }, false],
    [{ authorization: 'Bearer ' }, false],
    [{ cookies: `cm_token=${TOKEN.toUpperCase()}` }, false],
    [{ queryToken: '' }, false],
    [{ authorization: 'Bearer wrong', cookies: `cm_token=${TOKEN}` }, true],
  ])('%j → %s', (credentials, expected) => {
    // Act
    const result = isAuthorized(credentials, TOKEN);

    // Assess
    expect(result).toBe(expected);
  });

  it('never matches when no token is configured', () => {
    // Act
    const result = isAuthorized({ authorization: 'Bearer ', queryToken: '' }, '');

    // Assess
    expect(result).toBe(false);
  });
});

describe('token cookie', () => {
  it('is HttpOnly and SameSite=Strict, Secure only over https, and reads back', () => {
    // Act
    const plain = tokenCookie('a b', false, '/');
    const secure = tokenCookie('a b', true, '/');

    // Assess
    expect(plain).toBe('cm_token=a%20b; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict');
    expect(secure.endsWith('; Secure')).toBe(true);
    expect(cookieValue(plain.split(';')[0], 'cm_token')).toBe('a b');
  });
});
