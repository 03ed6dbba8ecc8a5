import sys

from gendoc.cli.main import main

sys.exit(main())
