import config from '@payload-config'
import { createPortalPage } from 'payload-invoice-portal/portal'

export const dynamic = 'force-dynamic'

export default createPortalPage(config)
