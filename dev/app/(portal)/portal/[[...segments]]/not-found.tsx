import config from '@payload-config'
import { createPortalNotFound } from 'payload-invoice-portal/portal'

export default createPortalNotFound(config)
