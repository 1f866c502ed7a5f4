# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Sphinx configuration of heki's documentation; build it with `make htmldocs`
# (scripts/htmldocs.sh), which sets HEKI_KERNEL_DOC_DIR to the kernel source
# tree holding scripts/kernel-doc and Documentation/sphinx/kerneldoc.py
# (extracted from Debian's linux-source-6.1 tarball by scripts/kernel-source.sh).
#
# To add a page: write Documentation/NAME.rst (SPDX comment first, one
# top-level title) and add NAME to a toctree in index.rst. Link to a page
# with :doc:`NAME`, to a section with :ref:`NAME:Section title`, to a C
# identifier with :c:func:`name` / :c:type:`name` (kernel-doc'd ones). A
# fragment that a page includes (`.. include::`) ends in .inc, so Sphinx
# does not read it as a page of its own.

import os
import sys

_kdir = os.environ.get('HEKI_KERNEL_DOC_DIR')
if not _kdir:
    sys.exit('conf.py: HEKI_KERNEL_DOC_DIR is not set: build with `make htmldocs`')
sys.path.insert(0, os.path.join(_kdir, 'Documentation', 'sphinx'))

project = 'heki'
author = 'the heki developers'
copyright = 'the heki developers; GPL-2.0-only OR MIT'

# autosectionlabel: every section is a target, :ref:`page:Section title`.
extensions = ['kerneldoc', 'sphinx.ext.autosectionlabel']
autosectionlabel_prefix_document = True
kerneldoc_bin = os.path.join(_kdir, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
# kernel-doc's -v (KBUILD_VERBOSE): also report a missing "Return:" section,
# as tests/abi/style.sh does. Its output is shown only when it fails, which
# it does on any warning when KDOC_WERROR=1 (set by scripts/htmldocs.sh).
os.environ['KBUILD_VERBOSE'] = '1'
kerneldoc_verbosity = 0

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
primary_domain = 'c'
highlight_language = 'none'

# A reference to a C identifier that is declared nowhere is a warning
# (and so an error): only the C base types and the fixed-width __u8 ..
# __s64 of types.h, which no page declares, are taken as known.
nitpicky = True
nitpick_ignore_regex = [
    ('c:identifier', r'__[us](8|16|32|64)|uint(8|16|32|64)_t|int(8|16|32|64)_t|size_t|bool'),
]
# Attributes and macros that appear in declarations kernel-doc emits.
c_id_attributes = ['HEKI_INLINE', '__bitwise', '__force']

html_theme = 'sphinx_rtd_theme'
html_title = 'heki documentation'
html_show_sourcelink = False
html_copy_source = False
html_static_path = ['_static']
html_css_files = ['theme_overrides.css']
html_theme_options = {
    'navigation_depth': 3,
    'collapse_navigation': False,
}
