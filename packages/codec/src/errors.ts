/** Every way decoding (or encoding) can fail. Stable: receivers and tests switch on these. */
export type CodecErrorCode =
  /** The bytes end before a field, varint or length-delimited value does. */
  | 'TRUNCATED'
  /** A varint longer than 10 bytes, or one that does not fit its field. */
  | 'MALFORMED_VARINT'
  /** A protobuf wire type or field that the format does not allow here. */
  | 'MALFORMED_FRAME'
  /** The decoded body breaks a rule of the Batch layout (column lengths, refs, values). */
  | 'MALFORMED_BODY'
  /** `format_version` is not 2. */
  | 'UNSUPPORTED_VERSION'
  /** `flags` has bits this codec does not know. */
  | 'UNSUPPORTED_FLAGS'
  /** The frame's checksum does not match its header and body (and, in a user-bound frame, the user given). */
  | 'CRC_MISMATCH'
  /** A size, count or string length exceeds the decoder's limits (checked before allocating). */
  | 'LIMIT_EXCEEDED'
  /** The frame names a zstd dictionary this codec does not ship. */
  | 'UNKNOWN_DICTIONARY'
  /** The frame needs a session-context version the decoder does not hold. */
  | 'CONTEXT_MISMATCH'
  /** A user-bound frame (its user is named by its channel) was decoded without a `userId`. */
  | 'USER_REQUIRED'
  /** zstd rejected the compressed body. */
  | 'DECOMPRESSION_FAILED'
  /** A string is not valid UTF-8, or a decoded op fails §2 validation. */
  | 'INVALID_OPERATION'
  /** The ops handed to the encoder cannot form one frame (mixed devices, seqs out of order). */
  | 'INVALID_INPUT';

/** Any failure of `@media-sync/codec`. `offset` is the byte offset in the input where it was found. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly code: CodecErrorCode;
  readonly offset: number;

  constructor(code: CodecErrorCode, offset: number, detail: string, options?: { cause?: unknown }) {
    super(`${code} at byte ${offset}: ${detail}`, options);
    this.code = code;
    this.offset = offset;
  }
}
