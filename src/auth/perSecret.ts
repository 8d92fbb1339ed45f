/**
 * Keeps what is derived from a secret (a key made ready to sign with), so that it is derived
 * once per secret. A process rarely holds more than a few secrets; past 16 the kept ones are
 * dropped, so that a process going through many cannot leak them.
 *
 * @param derive - Makes the value from the secret.
 * @returns `derive`, remembered.
 * @example
 * const keyOf = perSecret((secret) => importHmacKey(secret));
 */
export function perSecret<T>(derive: (secret: string) => T): (secret: string) => T {
  const kept = new Map<string, T>();
  return (secret) => {
    let value = kept.get(secret);
    if (value === undefined) {
      value = derive(secret);
      if (kept.size >= 16) kept.clear();
      kept.set(secret, value);
    }
    return value;
  };
}
