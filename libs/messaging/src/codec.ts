const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decode<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data)) as T;
}
