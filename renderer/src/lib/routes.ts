/** The pages, addressed by the location hash so that reloads, links and the back button work. */
export type Route =
  | { page: 'configure' }
  | { page: 'live' }
  | { page: 'history' }
  | { page: 'results'; runId: string }
  | { page: 'compare'; refs: string[] };

const RUN_ID = /^[0-9a-zA-Z-]{4,64}$/;

export function parseRoute(hash: string): Route {
  const [page = '', arg = ''] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'live') return { page: 'live' };
  if (page === 'history') return { page: 'history' };
  if (page === 'runs' && RUN_ID.test(arg)) return { page: 'results', runId: arg };
  if (page === 'compare') return { page: 'compare', refs: arg.split(',').filter((ref) => RUN_ID.test(ref)) };
  return { page: 'configure' };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'configure':
      return '#/';
    case 'live':
      return '#/live';
    case 'history':
      return '#/history';
    case 'results':
      return `#/runs/${route.runId}`;
    case 'compare':
      return `#/compare/${route.refs.join(',')}`;
  }
}
