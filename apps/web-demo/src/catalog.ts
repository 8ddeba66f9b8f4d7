/** The titles the demo offers: ids as a media app has them (IMDb, TMDB), runtime in ms. */
export const CATALOG = [
  { contentId: 'tt0111161', title: 'The Shawshank Redemption', durationMs: 142 * 60_000 },
  { contentId: 'tt0068646', title: 'The Godfather', durationMs: 175 * 60_000 },
  { contentId: 'tt0468569', title: 'The Dark Knight', durationMs: 152 * 60_000 },
  { contentId: 'tt0108052', title: "Schindler's List", durationMs: 195 * 60_000 },
  { contentId: 'tt0167260', title: 'The Return of the King', durationMs: 201 * 60_000 },
  { contentId: 'tmdb:550', title: 'Fight Club', durationMs: 139 * 60_000 },
  { contentId: 'tmdb:680', title: 'Pulp Fiction', durationMs: 154 * 60_000 },
  { contentId: 'tmdb:13', title: 'Forrest Gump', durationMs: 142 * 60_000 },
] as const;

export function titleOf(contentId: string): string {
  return CATALOG.find((entry) => entry.contentId === contentId)?.title ?? contentId;
}
