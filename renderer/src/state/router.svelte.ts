import { parseRoute, routeHref, type Route } from '../lib/routes.ts';

/** The page shown, following the location hash. */
class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  go(route: Route): void {
    location.hash = routeHref(route);
  }
}

export const router = new Router();
