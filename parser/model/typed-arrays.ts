// Growing typed-array storage: the one copy every growable column and record table makes when
// it runs out of room. Called only on growth (rarely), so its own polymorphism costs nothing;
// the array it returns has the type of the one it replaces, so hot load/store sites stay
// monomorphic.

type Resizable = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A new array of `array`'s type with room for `capacity` values: the old ones first, then zeros. */
export function resized<T extends Resizable>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array as never);
  return bigger;
}
