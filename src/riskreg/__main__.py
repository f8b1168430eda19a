from riskreg.cli import main

main()
