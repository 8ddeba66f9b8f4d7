// The zstd dictionaries this codec ships, by id. Rebuilt by scripts/train-dictionary.sh.
export const DEFAULT_DICTIONARY_ID = 0;
export const DICTIONARY_BASE64: ReadonlyMap<number, string> = new Map();
