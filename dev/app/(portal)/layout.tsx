import config from '@payload-config'
import { createPortalLayout } from 'payload-invoice-portal/portal'

export default createPortalLayout(config)
