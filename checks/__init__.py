"""Quality gates behind `make check`: content lint (`lint`) and checks of the built site (`site`)."""
