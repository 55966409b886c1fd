/** The shortest password the portal accepts when a contact chooses one (forms and handlers alike). */
export const MIN_PASSWORD_LENGTH = 10
