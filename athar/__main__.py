from athar.cli import main

main()
