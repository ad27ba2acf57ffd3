/** Stand-in for SvelteKit's `$app/state`: only `page.url` is read by @immich/ui. */
export const page = {
  get url(): URL {
    return new URL(location.href);
  },
};
