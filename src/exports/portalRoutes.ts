// Route handlers on their own entry: a Next route handler must not load the portal's React views.
export { createPortalRouteHandlers } from '../portal/handlers.js'
