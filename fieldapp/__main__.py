from fieldapp.entry import main

raise SystemExit(main())
