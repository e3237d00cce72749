/** Position of `value` in a priority list; anything not listed ranks after everything listed. */
export function rankIn<T>(list: readonly T[]): (value: T) => number {
  return (value) => {
    const index = list.indexOf(value);
    return index === -1 ? list.length : index;
  };
}
