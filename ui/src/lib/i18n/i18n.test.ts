import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';
import { i18n, interpolate, plural, t } from './locale.svelte';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

afterEach(() => i18n.set('en'));

describe('dictionaries', () => {
  it('Spanish has exactly the English keys', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it('every Spanish message is non-empty and uses the same placeholders as English', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(es[key].trim(), key).not.toBe('');
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe('t', () => {
  it('interpolates parameters', () => {
    expect(t('search.truncated', { limit: 100 })).toBe(
      'More than 100 clients match; add a first name or date of birth to narrow the search.',
    );
  });

  it('follows the current locale and remembers it', () => {
    i18n.set('es');
    expect(t('signIn.submit')).toBe('Iniciar sesión');
    expect(localStorage.getItem('shotbook.locale')).toBe('es');
    expect(document.documentElement.lang).toBe('es');
    i18n.set('en');
    expect(t('signIn.submit')).toBe('Sign in');
  });

  it('leaves unknown placeholders as written', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('chooses singular or plural', () => {
    expect(plural(1, 'record.doseCount.one', 'record.doseCount.other')).toBe('1 dose');
    expect(plural(3, 'record.doseCount.one', 'record.doseCount.other')).toBe('3 doses');
  });
});
