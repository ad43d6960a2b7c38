// The size of an HMAC-SHA-256 key context (layout in crypto/hmac.ts), in a file of its own that
// imports nothing: me/memory.ts reserves the HMAC_KEY region with it, and importing crypto/hmac.ts
// there would pull SHA-256's static tables in ahead of the memory map (below IO_IN). One number for
// the region and for what hmacForget wipes.
export const HMAC_KEY_CTX_SIZE: u32 = 144;
