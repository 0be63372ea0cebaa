"""The certificates and hallmarks register: lab certificates and hallmarks per piece or lot."""
