// The dataset's real limits, in one place: the stack config checks them at `pulumi up` (before any
// resource changes), the filler and the validator enforce them. A config value past one of these
// would deploy fine and then fail mid-`pulumi up` (filler) or mark every contender invalid
// (validator), so the config schema takes its maxima from here rather than round numbers.
//
// Units: MiB = 1024 x 1024 bytes. The `objectSizeMb` config key and the filler's `objectSizeMb`
// field are in MiB (the name predates the distinction; see README "Configuration").

export const MIB = 1024 * 1024;

/** Object sizes are drawn from N(mean, 1 MiB) clamped to mean +- this (functions/fill-bucket/plan.ts). */
export const SIZE_CLAMP_BYTES = 3 * MIB;
/** The filler generates each object into one buffer; past this it would need streaming uploads. */
export const MAX_OBJECT_BYTES = 512 * MIB;
/** The largest mean object size the filler accepts: the largest object (mean + 3 MiB) must fit one buffer. */
export const MAX_OBJECT_SIZE_MIB = (MAX_OBJECT_BYTES - SIZE_CLAMP_BYTES) / MIB;

/** The validator reads the whole central directory into memory, up to this size. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 64 * MIB;
/**
 * Central directory bytes one contest entry may take (APPNOTE 4.3.12): the 46-byte fixed header,
 * the 64-character sha256 name, a zip64 extra field with both sizes and the local header offset
 * (4 + 3 x 8 = 28: every entry of a > 4 GiB archive may need it), and 36 bytes for the largest
 * optional field common writers add (NTFS times are 36; Info-ZIP's UT + ux are 9 + 15; yazl's UT
 * is 9). Measured: yazl with forced zip64 writes 147 bytes per entry, Info-ZIP -fz 122, zip-stream
 * and Python's zipfile 110 (before offsets pass 4 GiB).
 */
export const CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 46 + 64 + 28 + 36;
/**
 * The most objects whose archive's central directory is sure to fit the validator's cap.
 * MEASURED (2026-12-02, load average ~13 on the shared 2-core box): validating a crafted archive of
 * this many entries (zip64 extras, 50.8 MiB central directory, no listing) peaked at 413 MiB RSS in
 * 11 s, far inside the validator's 1,769 MB; so the cap, not memory, is the binding limit.
 */
export const MAX_OBJECT_COUNT = Math.floor(MAX_CENTRAL_DIRECTORY_BYTES / CENTRAL_DIRECTORY_BYTES_PER_ENTRY);
