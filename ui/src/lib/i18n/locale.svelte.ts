import { en, type MessageKey } from './en';
import { es } from './es';

export type { MessageKey } from './en';

/** The languages Shotbook speaks. */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** Values substituted into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/** A message that is translated when shown, so a language switch re-renders it. */
export type Message = { key: MessageKey; params?: MessageParams };

const STORAGE_KEY = 'shotbook.locale';
const dictionaries: Record<Locale, { readonly [K in MessageKey]: string }> = { en, es };

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : 'en';
  } catch {
    return 'en';
  }
}

class I18n {
  locale = $state<Locale>(storedLocale());

  set(locale: Locale): void {
    this.locale = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Storage can be unavailable (private mode, tests); the choice then lasts for the session.
    }
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }
}

/** The current language. Reading `i18n.locale` (directly or through `t`) is reactive. */
export const i18n = new I18n();

/** Substitutes `{name}` placeholders; unknown placeholders are left as written. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message `key` in the current language, with `params` filled in. */
export function t(key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[i18n.locale][key], params);
}

/** Translates a {@link Message}. */
export function tm(message: Message): string {
  return t(message.key, message.params);
}

/** `one`/`other` plural choice, enough for English and Spanish. */
export function plural(count: number, one: MessageKey, other: MessageKey): string {
  return count === 1 ? t(one, { count }) : t(other, { count });
}

/** Exposed for tests. */
export const messages = dictionaries;
