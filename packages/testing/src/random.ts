/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same run.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, every time
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A whole number from `min` to `max` inclusive.
 *
 * @example
 * randomInt(seededRandom(42), 1, 6); // a die roll, the same for the same seed
 */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * FNV-1a, 32 bits: a small stable hash that turns a text into a seed.
 *
 * @example
 * seededRandom(hash32(`${seed}|worker-3`));
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
