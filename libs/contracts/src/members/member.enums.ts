export const REGISTRATION_CHANNELS = ['store', 'online', 'hotline'] as const;
export type RegistrationChannel = (typeof REGISTRATION_CHANNELS)[number];

export const GENDERS = ['female', 'male', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];

/** Mainland China mobile numbers: 11 digits starting 13–19. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
