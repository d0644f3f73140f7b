/** The API's list envelope: the rows and what they cover. */
export interface Envelope<T> {
  readonly data: T[];
  readonly meta: Record<string, unknown>;
}

// A key given once as #key=… is kept for the tab, and never sent anywhere but this API.
const hashKey = /(?:^#|&)key=([^&]+)/.exec(location.hash)?.[1];
if (hashKey) {
  sessionStorage.setItem('shoplens-api-key', decodeURIComponent(hashKey));
  history.replaceState(null, '', location.pathname + location.search);
}
const apiKey = sessionStorage.getItem('shoplens-api-key');

/** GETs one route of this API, with the tab's key if one was given. */
export async function get<T>(
  path: string,
  params: Record<string, string | number | undefined>,
): Promise<Envelope<T>> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') query.set(k, String(v));
  const res = await fetch(`${path}?${query}`, {
    headers: { Accept: 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
  });
  const body = (await res.json()) as Envelope<T> & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `${path}: HTTP ${res.status}`);
  return body;
}
