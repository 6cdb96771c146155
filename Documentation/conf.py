# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for the lowmemkiller documentation.
#
#   python3 -m sphinx -W --keep-going -b html Documentation <outdir>

project = 'lowmemkiller'
copyright = 'The lowmemkiller authors'
author = 'The lowmemkiller authors'

root_doc = 'index'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
extensions = []

html_theme = 'alabaster'
html_title = 'lowmemkiller documentation'
html_show_sourcelink = False
