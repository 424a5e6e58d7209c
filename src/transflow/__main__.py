from transflow.cli import main

main(prog_name="transflow")
