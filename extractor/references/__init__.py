"""References: the entries of a paper's reference list, and the citation markers they resolve.

`record.Reference` is one entry, from whichever source it came: a JATS `<ref-list>` (structure,
no offsets) or the reference section of a plain or PDF text (offsets into the original text).
"""
