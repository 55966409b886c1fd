import config from '@payload-config'
import { createPortalRouteHandlers } from 'payload-invoice-portal/portal/routes'

export const { GET, POST } = createPortalRouteHandlers(config)
