"""`python -m jzreport.build html|pdf`: the build (jzreport.build.run)."""

import sys

from jzreport.build.run import main

sys.exit(main())
